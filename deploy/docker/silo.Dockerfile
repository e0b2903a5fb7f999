# ravenxcope-silo: build with the SDK, run on the ASP.NET runtime as the image's non-root "app" user.
# Build context: the repository root (docker-compose.yml sets it).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /secrets && chown "$APP_UID" /secrets
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
# The shared volume of CA and NATS operator files; a new named volume takes this folder's owner.
VOLUME ["/secrets"]
ENV ASPNETCORE_URLS=http://0.0.0.0:8090 SILO_LISTEN_ANY=true
EXPOSE 8090 11111 30000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD curl -fsS http://127.0.0.1:8090/healthz || exit 1
ENTRYPOINT ["./ravenxcope-silo"]
