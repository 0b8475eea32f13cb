using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Credentials;

/// <summary>
/// Secrets encrypted at rest under the state directory's <c>credentials/</c> folder, one AES-256-GCM file per secret
/// (<c>NAME.cred</c>, mode 0600, folder 0700). The key is <c>master.key</c> (created on first use), or is derived
/// from <see cref="CredentialStoreOptions.MasterPassword"/> with Argon2id.
/// </summary>
/// <remarks>
/// Thread-safe. Writes and key rotation are serialised within the instance and are crash-safe: every file is
/// replaced atomically, and an interrupted rotation is rolled back or finished the next time the store is opened.
/// One process owns the credentials: the first use (or <see cref="OpenAsync"/>) takes an exclusive advisory lock on
/// <c>credentials/.lock</c>, held until <see cref="Dispose"/>; a second store (another process, e.g. the CLI while a
/// gateway runs) is refused with an <see cref="OpenClawException"/> instead of corrupting a rotation in progress.
/// </remarks>
public sealed partial class CredentialStore : ICredentialReader, IDisposable
{
    private const string SideFileExtension = ".next";

    /// <summary>The lock file inside the credentials folder; a name a credential can never have (it starts with '.').</summary>
    private const string LockFileName = ".lock";

    /// <summary>A temp file this old is a crash's leftover, not another writer's file in flight.</summary>
    private static readonly TimeSpan s_strayTempAge = TimeSpan.FromMinutes(5);

    private readonly string _root;
    private readonly string _directory;
    private readonly KeySource _keySource;
    private readonly KeySource[] _allKeySources;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile MasterKey? _key;

    // The key file content _key came from (or was written as): a repair that finds it unchanged keeps the cached key.
    private byte[]? _keyContent;
    private volatile bool _opened;
    private FileStream? _fileLock;
    private bool _needsRecovery;
    private readonly bool _readOnly;

    /// <summary>Creates a store over <paramref name="paths"/>; nothing is read or written until first use.</summary>
    public CredentialStore(
        StatePaths paths, CredentialStoreOptions? options = null, ILogger<CredentialStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new CredentialStoreOptions();
        _root = Path.GetDirectoryName(paths.MasterKeyFile)!;
        _directory = paths.CredentialsDirectory;
        var keyFile = new KeyFileSource(paths.MasterKeyFile);
        var kdfFile = Path.Combine(_root, "master.kdf");
        _keySource = options.MasterPassword is { } password
            ? new PasswordSource(kdfFile, password, options.Argon2)
            : keyFile;
        _allKeySources = [keyFile, new PasswordSource(kdfFile, new Secret(string.Empty), options.Argon2)];
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _readOnly = options.ReadOnly;
    }

    /// <summary>Test hook: called at each step of a rotation; throwing from it simulates a crash there.</summary>
    internal Action<RotationStep>? RotationFault { get; set; }

    /// <summary>Test hook: called after a secret's temp file is durable and before it replaces the file.</summary>
    internal Action<string>? BeforeReplace { get; set; }

    /// <summary>
    /// Takes the store's exclusive lock and finishes any interrupted rotation now instead of at first use (a host calls
    /// this at startup so that it owns the credentials for its whole lifetime).
    /// </summary>
    /// <exception cref="OpenClawException">Another process (a running gateway?) holds the store, or it cannot be opened.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default) =>
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The names of all stored secrets, sorted ordinally. Nothing is decrypted.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return ListNames();
    }

    /// <inheritdoc />
    public async ValueTask<Secret?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        CredentialName.Validate(name);
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var file = await ReadFileAsync(name, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        var key = await GetKeyAsync(cancellationToken).ConfigureAwait(false);
        if (CredentialFormat.Decrypt(key, name, file, out var value) == DecryptResult.Ok)
        {
            return new Secret(value!);
        }

        if (_readOnly)
        {
            // No recovery without the lock: read the key again once (a rotation may just have replaced it).
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                DropCachedKey();
                key = await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
                file = await ReadFileAsync(name, cancellationToken).ConfigureAwait(false);
                if (file is null)
                {
                    return null;
                }

                var again = CredentialFormat.Decrypt(key, name, file, out value);
                return again == DecryptResult.Ok ? new Secret(value!) : throw DecryptError(name, again, file, key);
            }
            finally
            {
                _lock.Release();
            }
        }

        // Slow path: a rotation may have swapped the key and the file between the two reads above, or one was
        // interrupted; finish it under the lock and look again before calling the file damaged.
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _needsRecovery = true;
            await RecoverLockedAsync(cancellationToken).ConfigureAwait(false);
            file = await ReadFileAsync(name, cancellationToken).ConfigureAwait(false);
            if (file is null)
            {
                return null;
            }

            key = await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
            if (CredentialFormat.KeyIdOf(file) != key.IdHex)
            {
                // The file names another key than the cached one: the key file may have changed on disk (restored from
                // a backup, or rotated by a process that ran before this lock existed); read it again.
                DropCachedKey();
                key = await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
            }

            var result = CredentialFormat.Decrypt(key, name, file, out value);
            return result == DecryptResult.Ok ? new Secret(value!) : throw DecryptError(name, result, file, key);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/>, replacing any previous value atomically.</summary>
    /// <exception cref="OpenClawException">The name is invalid, or the key cannot be loaded.</exception>
    public async Task SetAsync(string name, Secret value, CancellationToken cancellationToken = default)
    {
        RefuseIfReadOnly();
        CredentialName.Validate(name);
        ArgumentNullException.ThrowIfNull(value);
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RecoverLockedAsync(cancellationToken).ConfigureAwait(false);
            RefuseCaseCollision(name);
            var key = await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
            var file = CredentialFormat.Encrypt(key, name, value.Reveal());
            await AtomicFile.WriteAsync(FilePath(name), file, overwrite: true, BeforeReplace, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes the secret called <paramref name="name"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        RefuseIfReadOnly();
        CredentialName.Validate(name);
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RecoverLockedAsync(cancellationToken).ConfigureAwait(false);
            return AtomicFile.Delete(FilePath(name));
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Re-encrypts every secret under a new key: a new random master.key, or (with a master password) a new salt,
    /// optionally for <paramref name="newMasterPassword"/>. Crash-safe: a crash leaves every secret readable.
    /// </summary>
    /// <param name="newMasterPassword">The new master password, or null to keep the current kind of key.</param>
    /// <param name="progress">Told (secrets re-encrypted, total) as the rotation goes, synchronously on the rotating thread.</param>
    /// <param name="cancellationToken">Stops the rotation; a stop half-way is rolled back or forward on the next open.</param>
    /// <exception cref="OpenClawException">A stored secret cannot be decrypted (nothing is changed then).</exception>
    public async Task RotateKeyAsync(Secret? newMasterPassword = null, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        RefuseIfReadOnly();
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _needsRecovery = true;
            await RecoverLockedAsync(cancellationToken).ConfigureAwait(false);
            var oldKey = await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
            var names = ListNames();

            // Decrypt everything first: a rotation that would strand an unreadable secret is refused up front.
            var values = new List<(string Name, string Value)>(names.Count);
            foreach (var name in names)
            {
                var file = await ReadFileAsync(name, cancellationToken).ConfigureAwait(false);
                if (file is null)
                {
                    continue;
                }

                var result = CredentialFormat.Decrypt(oldKey, name, file, out var value);
                if (result != DecryptResult.Ok)
                {
                    throw new OpenClawException(
                        "cannot rotate the master key: " + DecryptError(name, result, file, oldKey).Message +
                        " Nothing was changed.");
                }

                values.Add((name, value!));
            }

            // From here until the end, a failure leaves work for the next operation's recovery.
            _needsRecovery = true;

            // 1. The new key, beside the old one. Until step 3 the old key stays authoritative (roll back on open).
            var (newKey, content) = _keySource.Create(newMasterPassword);
            await AtomicFile.WriteAsync(_keySource.NextFilePath, content, overwrite: true, null, cancellationToken).ConfigureAwait(false);
            RotationFault?.Invoke(RotationStep.NextKeyWritten);

            // 2. Each secret re-encrypted into a side file; the live files are untouched.
            var done = 0;
            progress?.Report((done, values.Count));
            foreach (var (name, value) in values)
            {
                var file = CredentialFormat.Encrypt(newKey, name, value);
                await AtomicFile.WriteAsync(FilePath(name) + SideFileExtension, file, overwrite: true, null, cancellationToken)
                    .ConfigureAwait(false);
                RotationFault?.Invoke(RotationStep.SideFileWritten);
                progress?.Report((++done, values.Count));
            }

            // 3. Commit: one atomic rename makes the new key authoritative (roll forward on open from here).
            AtomicFile.Replace(_keySource.NextFilePath, _keySource.FilePath);
            _keySource.Committed(newMasterPassword);
            var previous = _key;
            _key = newKey;
            _keyContent = content;
            previous?.Dispose();
            RotationFault?.Invoke(RotationStep.KeyCommitted);

            // 4. Side files replace the live ones.
            foreach (var (name, _) in values)
            {
                MoveOver(FilePath(name) + SideFileExtension, FilePath(name));
                RotationFault?.Invoke(RotationStep.SideFileCommitted);
            }

            AtomicFile.SyncDirectory(_directory);
            _needsRecovery = false;
            LogRotated(_logger, values.Count, newKey.IdHex);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Forgets the cached key (its bytes are zeroed).</summary>
    public void Dispose()
    {
        _key?.Dispose();
        _key = null;
        _fileLock?.Dispose();
        _fileLock = null;
        _lock.Dispose();
    }

    /// <summary>
    /// Refuses a new name that differs from an existing one only in case: on a case-insensitive file system (macOS,
    /// Windows) both are the same file, so one would silently overwrite the other.
    /// </summary>
    private void RefuseCaseCollision(string name)
    {
        foreach (var existing in ListNames())
        {
            if (string.Equals(existing, name, StringComparison.OrdinalIgnoreCase) && !string.Equals(existing, name, StringComparison.Ordinal))
            {
                throw new OpenClawException(
                    $"credential name '{name}' differs only in case from the stored credential '{existing}'; on " +
                    $"case-insensitive file systems they are the same file. Use '{existing}', or delete it first.");
            }
        }
    }

    private static void MoveOver(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: true);
        }
        catch (Exception ex) when (AtomicFile.IsAccessError(ex))
        {
            throw AtomicFile.AccessError(destination, ex);
        }
    }

    private void DropCachedKey()
    {
        var stale = _key;
        _key = null;
        _keyContent = null;
        stale?.Dispose();
    }

    /// <summary>True when the cached key is the one the key file on disk holds (e.g. this instance committed it).</summary>
    private bool CachedKeyMatchesFile()
    {
        if (_key is null || _keyContent is not { } content)
        {
            return false;
        }

        try
        {
            return File.ReadAllBytes(_keySource.FilePath).AsSpan().SequenceEqual(content);
        }
        catch (Exception ex) when (AtomicFile.IsAccessError(ex))
        {
            return false; // reloading the key reports the problem clearly
        }
    }

    private string FilePath(string name) => Path.Combine(_directory, name + CredentialName.FileExtension);

    private List<string> ListNames()
    {
        var names = new List<string>();
        if (!Directory.Exists(_directory))
        {
            return names;
        }

        string[] files;
        try
        {
            files = Directory.GetFiles(_directory, "*" + CredentialName.FileExtension);
        }
        catch (Exception ex) when (AtomicFile.IsAccessError(ex))
        {
            throw AtomicFile.AccessError(_directory, ex);
        }

        foreach (var file in files)
        {
            var fileName = Path.GetFileName(file);
            if (!fileName.EndsWith(CredentialName.FileExtension, StringComparison.Ordinal))
            {
                continue;
            }

            var name = fileName[..^CredentialName.FileExtension.Length];
            if (CredentialName.IsValid(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private async Task<byte[]?> ReadFileAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(FilePath(name), cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (AtomicFile.IsAccessError(ex))
        {
            throw AtomicFile.AccessError(FilePath(name), ex);
        }
    }

    private void RefuseIfReadOnly()
    {
        if (_readOnly)
        {
            throw new OpenClawException("the credential store was opened read-only (a running gateway owns it); stop the gateway to change credentials.");
        }
    }

    private async ValueTask EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_opened)
        {
            return;
        }

        if (_readOnly)
        {
            _opened = true; // no lock, no clean-up, no recovery: the owner does those
            return;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_opened)
            {
                return;
            }

            if (!Directory.Exists(_root))
            {
                AtomicFile.EnsurePrivateDirectory(_root);
            }

            AtomicFile.EnsurePrivateDirectory(_directory);
            _fileLock ??= AcquireFileLock();
            try
            {
                var stray = DeleteStrayTempFiles();
                if (stray > 0)
                {
                    LogStrayTempFilesRemoved(_logger, stray);
                }

                _needsRecovery = true;
                await RecoverLockedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (AtomicFile.IsAccessError(ex))
            {
                throw AtomicFile.AccessError(_directory, ex);
            }

            _opened = true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// An exclusive advisory lock (flock on Unix) on credentials/.lock: one process at a time works on the files, so a
    /// rotation in one can never be rolled back by, or leave a retired key cached in, another. The OS drops it on exit.
    /// </summary>
    private FileStream AcquireFileLock()
    {
        var lockPath = Path.Combine(_directory, LockFileName);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = AtomicFile.OwnerReadWrite;
            }

            return new FileStream(lockPath, options);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new OpenClawException(
                $"cannot open the credential store's lock file {lockPath}: permission denied. Check that it and the " +
                "credentials folder belong to you (a root-owned file is left by `sudo openclaw ...`; fix it with chown).", ex);
        }
        catch (IOException ex)
        {
            throw new OpenClawException(
                $"the credential store is in use by another OpenClaw process (a running gateway?) holding {lockPath}. " +
                "Stop it and try again.", ex);
        }
    }

    private int DeleteStrayTempFiles()
    {
        var cutoff = _timeProvider.GetUtcNow() - s_strayTempAge;
        var count = AtomicFile.DeleteStrayTempFiles(_directory, AtomicFile.TempPrefix + "*", cutoff);
        foreach (var source in _allKeySources)
        {
            count += AtomicFile.DeleteStrayTempFiles(_root, AtomicFile.TempPrefix + source.FileName + "*", cutoff);
        }

        return count;
    }

    /// <summary>
    /// Finishes or undoes an interrupted rotation. A key file's ".next" twin means the rotation never committed:
    /// the side files and the twin are deleted. Side files without a twin mean it committed: they replace the
    /// live files. Runs under the lock.
    /// </summary>
    private Task RecoverLockedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_needsRecovery)
        {
            return Task.CompletedTask;
        }

        var sideFiles = Directory.Exists(_directory)
            ? Directory.GetFiles(_directory, "*" + CredentialName.FileExtension + SideFileExtension)
            : [];
        var pendingKeys = _allKeySources.Select(s => s.NextFilePath).Where(File.Exists).ToList();
        if (pendingKeys.Count > 0)
        {
            // Side files go first: if this is interrupted too, the twin still says "roll back".
            foreach (var side in sideFiles)
            {
                try
                {
                    File.Delete(side);
                }
                catch (Exception ex) when (AtomicFile.IsAccessError(ex))
                {
                    throw AtomicFile.AccessError(side, ex);
                }
            }

            AtomicFile.SyncDirectory(_directory);
            foreach (var pending in pendingKeys)
            {
                AtomicFile.Delete(pending);
            }

            LogRotationRolledBack(_logger, sideFiles.Length);
        }
        else if (sideFiles.Length > 0)
        {
            foreach (var side in sideFiles)
            {
                MoveOver(side, side[..^SideFileExtension.Length]);
            }

            AtomicFile.SyncDirectory(_directory);
            if (!CachedKeyMatchesFile())
            {
                DropCachedKey(); // the key file changed under this instance; load it again
            }

            LogRotationRolledForward(_logger, sideFiles.Length);
        }

        _needsRecovery = false;
        return Task.CompletedTask;
    }

    private async ValueTask<MasterKey> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } key)
        {
            return key;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LoadKeyLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<MasterKey> LoadKeyLockedAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        if (!File.Exists(_keySource.FilePath))
        {
            var existing = ListNames();
            if (existing.Count > 0)
            {
                throw MissingKeyError(existing.Count);
            }

            var (created, content) = _keySource.Create(null);
            if (await AtomicFile.WriteAsync(_keySource.FilePath, content, overwrite: false, null, cancellationToken).ConfigureAwait(false))
            {
                LogKeyCreated(_logger, _keySource.FileName, created.IdHex);
                _key = created;
                _keyContent = content;
                return created;
            }

            created.Dispose(); // another process created it first; use theirs
        }

        byte[] bytes;
        try
        {
            _keySource.CheckFileMode();
            bytes = await File.ReadAllBytesAsync(_keySource.FilePath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AtomicFile.IsAccessError(ex))
        {
            throw AtomicFile.AccessError(_keySource.FilePath, ex);
        }

        var key = _keySource.Load(bytes);
        _key = key;
        _keyContent = bytes;
        return key;
    }

    private OpenClawException MissingKeyError(int count)
    {
        var other = _allKeySources.FirstOrDefault(s => s.FilePath != _keySource.FilePath && File.Exists(s.FilePath));
        if (_keySource is PasswordSource && other is not null)
        {
            return new OpenClawException(
                $"OPENCLAW_MASTER_PASSWORD is set, but the {count} stored credentials are encrypted with master.key. " +
                "Unset OPENCLAW_MASTER_PASSWORD (moving an existing store to a master password is not supported yet).");
        }

        if (_keySource is KeyFileSource && other is not null)
        {
            return new OpenClawException(
                $"the {count} stored credentials are protected by a master password, but OPENCLAW_MASTER_PASSWORD is " +
                "not set. Set it and try again.");
        }

        return new OpenClawException(
            $"{_keySource.FileName} is missing from the state directory but {count} credentials are stored; they cannot " +
            $"be decrypted without it. Restore {_keySource.FileName} from a backup (or, to start over, delete the " +
            "credentials folder and set the credentials again).");
    }

    private static OpenClawException DecryptError(string name, DecryptResult result, byte[] file, MasterKey key) => result switch
    {
        DecryptResult.NewerVersion => new OpenClawException(
            $"cannot decrypt credential '{name}': it was written by a newer OpenClaw (credential format version " +
            $"{file[4]}; this version reads up to {CredentialFormat.CurrentVersion}). Upgrade OpenClaw."),
        DecryptResult.OtherKey => new OpenClawException(
            $"cannot decrypt credential '{name}': wrong key or damaged file (it was encrypted under key " +
            $"{CredentialFormat.KeyIdOf(file)}, but the master key in use is {key.IdHex}). Restore the master.key or " +
            $"OPENCLAW_MASTER_PASSWORD it was written with, or delete the credential ('{name}') and set it again."),
        DecryptResult.NotACredentialFile => new OpenClawException(
            $"cannot decrypt credential '{name}': wrong key or damaged file ({name}{CredentialName.FileExtension} in the " +
            $"credentials folder is not a credential file, or is truncated). Restore it from a backup, or delete " +
            "the credential and set it again."),
        _ => new OpenClawException(
            $"cannot decrypt credential '{name}': wrong key or damaged file (it failed its integrity check: it was " +
            "changed, truncated, or renamed from another credential). Restore it from a backup, or delete the " +
            "credential and set it again."),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created credential key file {File} (key id {KeyId})")]
    private static partial void LogKeyCreated(ILogger logger, string file, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated the credential key: {Count} secrets re-encrypted under key id {KeyId}")]
    private static partial void LogRotated(ILogger logger, int count, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An interrupted key rotation was rolled back ({Count} side files removed); the old key stays in use")]
    private static partial void LogRotationRolledBack(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An interrupted key rotation was completed ({Count} secrets moved to the new key)")]
    private static partial void LogRotationRolledForward(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} temp files left by an interrupted write")]
    private static partial void LogStrayTempFilesRemoved(ILogger logger, int count);
}
