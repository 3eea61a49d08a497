# The Scoring server's image: built in the SDK image, run in the ASP.NET runtime image as a non-root user.
#   docker build -t scoring-server .
#   docker run -p 8080:8080 -p 8081:8081 -e ConnectionStrings__Scoring="Host=db;Username=scoring;Password=...;Database=scoring" scoring-server
# gRPC (HTTP/2 cleartext) on 8080, REST/JSON, /healthz and /metrics (HTTP/1.1) on 8081. Without a connection string the
# server keeps its embedded SQLite file in /data (mount a volume there).

# 1. Build: restore first (cached while only sources change), then publish.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY server/Scoring.Engine/Scoring.Engine.csproj server/Scoring.Engine/
COPY server/Scoring.Storage/Scoring.Storage.csproj server/Scoring.Storage/
COPY server/Scoring.Server/Scoring.Server.csproj server/Scoring.Server/
RUN dotnet restore server/Scoring.Server/Scoring.Server.csproj
COPY server/ server/
RUN dotnet publish server/Scoring.Server/Scoring.Server.csproj -c Release --no-restore -o /app

# 2. Run: the runtime only, as the image's unprivileged "app" user (uid 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Scoring="Data Source=/data/scoring.db" \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Grpc__Protocols=Http2 \
    Kestrel__Endpoints__Rest__Url=http://0.0.0.0:8081 \
    Kestrel__Endpoints__Rest__Protocols=Http1
EXPOSE 8080 8081
VOLUME ["/data"]
ENTRYPOINT ["dotnet", "Scoring.Server.dll"]
