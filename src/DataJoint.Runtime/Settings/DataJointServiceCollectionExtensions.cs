using DataJoint;
using DataJoint.Settings;
using DataJoint.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

// The conventional namespace for IServiceCollection extensions, so `services.AddDataJoint()` needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DataJoint in a Microsoft.Extensions.DependencyInjection container.</summary>
public static class DataJointServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons: <see cref="DataJointSettings"/> (loaded as DataJoint Python reads them — <c>DJ_*</c>
    /// variables, <c>datajoint.json</c>, <c>.secrets/</c> — with the application's <see cref="IConfiguration"/> section
    /// <paramref name="configurationSection"/> on top, when the container has an <see cref="IConfiguration"/>, then
    /// <paramref name="configure"/>), a <see cref="DataJointConnection"/> logging through the container's
    /// <see cref="ILoggerFactory"/>, and an <see cref="IStoreProvider"/> over the <c>stores</c> section. Settings are
    /// read when first resolved.
    /// </summary>
    public static IServiceCollection AddDataJoint(this IServiceCollection services,
        Func<DataJointSettings, DataJointSettings>? configure = null, string configurationSection = "DataJoint")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetService(typeof(IConfiguration)) as IConfiguration;
            var section = configuration?.GetSection(configurationSection);
            var settings = DataJointSettings.Load(null, section is not null && section.GetChildren().Any() ? section : null);
            return configure is null ? settings : configure(settings);
        });
        services.TryAddSingleton(sp => DataJointConnection.FromSettings(
            sp.GetRequiredService<DataJointSettings>(), sp.GetService(typeof(ILoggerFactory)) as ILoggerFactory));
        services.TryAddSingleton<IStoreProvider>(sp => new StoreProvider(sp.GetRequiredService<DataJointSettings>().Stores));
        return services;
    }
}
