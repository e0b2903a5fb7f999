namespace RavenXcope.Common;

/// <summary>A secret file whose mode lets group or others read it.</summary>
public sealed class InsecureKeyFileException(string message) : Exception(message);

/// <summary>Writing and checking files that hold secrets (keys, seeds).</summary>
public static class SecretFiles
{
    private const UnixFileMode NotOwner =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Refuses a secret file that group or others may access, naming the file and the fix.</summary>
    /// <exception cref="InsecureKeyFileException">The mode is too open.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void RequireOwnerOnly(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"secret file {path} does not exist", path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & NotOwner) != 0)
        {
            throw new InsecureKeyFileException($"{path} is readable by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); run: chmod 600 {path}");
        }
    }

    /// <summary>
    /// Writes a new file atomically (temporary file, flush, rename); secrets get mode 0600 from the start.
    /// Refuses to replace an existing file.
    /// </summary>
    public static void WriteNew(string path, string contents, bool secret)
    {
        if (File.Exists(path))
        {
            throw new IOException($"{path} already exists; refusing to overwrite it");
        }

        WriteAtomically(path, contents, secret);
    }

    /// <summary>Writes (or replaces) a file atomically: temporary file, flush to disk, rename.</summary>
    public static void WriteAtomically(string path, string contents, bool secret)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(contents);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
