using Microsoft.Extensions.Options;

namespace Projections.Hosting.Settings;

/// <summary>
/// Makes <c>IOptions&lt;T&gt;</c> by reading configuration with a function that throws
/// <see cref="HostUserException"/> on a bad value; the message becomes the <see cref="OptionsValidationException"/>'s,
/// so <c>ValidateOnStart</c> stops the host with the one line naming the option.
/// </summary>
internal sealed class ValidatedSettingsFactory<T>(IConfiguration configuration, Func<IConfiguration, T> read) : IOptionsFactory<T> where T : class
{
    public T Create(string name)
    {
        try
        {
            return read(configuration);
        }
        catch (HostUserException e)
        {
            throw new OptionsValidationException(name, typeof(T), [e.Message]);
        }
    }
}
