# ravenxcope-sensor: the agent, on the .NET runtime as the non-root "app" user. Mount the state
# directory at /var/lib/ravenxcope-sensor and install Suricata (or point RXC_SURICATA_COMMAND at it).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/SensorAgent/SensorAgent.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /var/lib/ravenxcope-sensor && chown "$APP_UID" /var/lib/ravenxcope-sensor
USER $APP_UID
ENV RXC_STATE_DIR=/var/lib/ravenxcope-sensor
VOLUME ["/var/lib/ravenxcope-sensor"]
ENTRYPOINT ["./ravenxcope-sensor"]
CMD ["run"]
