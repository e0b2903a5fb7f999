// The agent runs on Linux hosts: its tests check file modes and signals as Linux has them.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
