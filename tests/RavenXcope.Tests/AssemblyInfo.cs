// The tests run where the services run: on Linux (file modes, PostgreSQL, nats-server).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
