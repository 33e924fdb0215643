namespace Projections.Hosting;

/// <summary>
/// A mistake the user can fix (an option, a connection string, an unusable store). The host prints
/// the message as one line, without a stack trace, and exits with <see cref="ExitCodes.UsageError"/>.
/// Messages never contain credentials.
/// </summary>
public sealed class HostUserException(string message, Exception? inner = null) : Exception(message, inner);
