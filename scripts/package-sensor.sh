#!/usr/bin/env bash
# Builds the Debian package of the sensor agent: ravenxcope-sensor published as one self-contained executable (no .NET
# runtime on the host), the hardened systemd unit, the environment file, and the maintainer scripts that make the
# service's user and state directory (kept on remove and upgrade, removed on purge).
#
#   scripts/package-sensor.sh [--arch amd64|arm64] [--out DIR]     (default: this machine's architecture, artifacts/)
#
# Prints the package's path. Needs the .NET 10 SDK (the runtime pack of the target comes from NuGet) and dpkg-deb.
set -euo pipefail
RXC_SCRIPT=package-sensor
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
called_from=$PWD
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
out="$root/artifacts"
while [ $# -gt 0 ]; do
  case $1 in
    --arch|--out)
      [ $# -ge 2 ] && [ -n "$2" ] || rxc_die "$1 needs a value (see --help)"
      if [ "$1" = --arch ]; then arch=$2; else out=$(cd "$called_from" && realpath -m -- "$2"); fi
      shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) rxc_die "unknown argument: $1 (see --help)" ;;
  esac
done
case $arch in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) rxc_die "unsupported architecture '$arch': amd64 or arm64" ;;
esac
command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
command -v dpkg-deb >/dev/null || rxc_die "dpkg-deb is required (Debian's dpkg package)"

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/SensorAgent/SensorAgent.csproj | head -n 1)
[ -n "$version" ] || rxc_die "no <Version> in src/SensorAgent/SensorAgent.csproj"

work=$(mktemp -d /tmp/rxc-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
publish="$work/publish"
rxc_log "publishing ravenxcope-sensor $version for $rid (self-contained, single file)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/SensorAgent/SensorAgent.csproj -c Release -r "$rid" --self-contained true \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -o "$publish" -nologo -v quiet -clp:ErrorsOnly >&2 \
  || rxc_die "dotnet publish for $rid failed"
[ -x "$publish/ravenxcope-sensor" ] || rxc_die "the publish made no ravenxcope-sensor executable"

stage="$work/root"
install -d -m 0755 "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/ravenxcope" "$stage/usr/share/doc/ravenxcope-sensor"
install -m 0755 "$publish/ravenxcope-sensor" "$stage/usr/bin/ravenxcope-sensor"
install -m 0644 deploy/systemd/ravenxcope-sensor.service "$stage/lib/systemd/system/ravenxcope-sensor.service"
install -m 0640 deploy/systemd/sensor-agent.env "$stage/etc/ravenxcope/sensor-agent.env"
printf 'ravenxcope-sensor %s, built from %s\n' "$version" "$(git rev-parse --short HEAD 2>/dev/null || echo 'an unknown commit')" >"$stage/usr/share/doc/ravenxcope-sensor/README"
install -m 0644 deploy/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$stage/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" deploy/debian/control.in >"$stage/DEBIAN/control"

mkdir -p "$out"
package="$out/ravenxcope-sensor_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$package" >&2 || rxc_die "dpkg-deb --build failed"
rxc_log "built $package ($(du -h "$package" | cut -f1))"
printf '%s\n' "$package"
