namespace OpenClaw.Core.Credentials;

/// <summary>The points of a key rotation where tests inject a crash.</summary>
internal enum RotationStep
{
    /// <summary>The new key file (master.key.next) is durable; no secret is re-encrypted yet.</summary>
    NextKeyWritten,

    /// <summary>One secret's re-encrypted side file (NAME.cred.next) is durable.</summary>
    SideFileWritten,

    /// <summary>The new key replaced the old one: the rotation is committed.</summary>
    KeyCommitted,

    /// <summary>One side file replaced its secret's file.</summary>
    SideFileCommitted,
}
