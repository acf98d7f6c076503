using DataJoint.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DataJoint.Settings;

/// <summary>
/// All of DataJoint's settings, read the way DataJoint Python 2.x reads them, so a .NET program in a lab's project folder
/// sees exactly what a Python colleague's <c>dj.config</c> sees:
/// <list type="number">
/// <item>values given in code (<c>with</c> expressions on this record) or by the application's <see cref="IConfiguration"/>
/// section <c>DataJoint</c> (<see cref="Load(string?, IConfiguration?)"/>);</item>
/// <item><c>DJ_*</c> environment variables (<c>DJ_HOST</c>, <c>DJ_PORT</c>, <c>DJ_USER</c>, <c>DJ_PASS</c>, <c>DJ_USE_TLS</c>,
/// <c>DJ_CREATE_TABLES</c>, <c>DJ_LOG_LEVEL</c>, <c>DJ_SAFEMODE</c>, <c>DJ_DOWNLOAD_PATH</c>, <c>DJ_JOBS_*</c>,
/// <c>DJ_STORES</c> …);</item>
/// <item>the project's <c>datajoint.json</c>, searched upward from the working directory and stopping at a folder holding
/// <c>.git</c>/<c>.hg</c> or at the root (nested objects and dotted keys both work);</item>
/// <item>the secrets folder — <c>.secrets/</c> beside <c>datajoint.json</c>, else <c>/run/secrets/datajoint/</c> — one file per
/// setting (<c>database.password</c>, <c>stores.main.secret_key</c>), filling only values still unset;</item>
/// <item>DataJoint Python's defaults.</item>
/// </list>
/// <c>DJ_IGNORE_CONFIG_FILE=true</c> skips the file and both secrets folders. Unknown keys do not fail (the same file
/// serves several DataJoint versions); they are listed in <see cref="UnknownKeys"/> and logged as warnings.
/// </summary>
public sealed record DataJointSettings
{
    private static readonly string[] TopLevelKeys =
        ["loglevel", "safemode", "download_path", "fetch_format", "enable_python_native_blobs", "filepath_checksum_size_limit",
         "cache", "query_cache", "add_hidden_timestamp"];

    /// <summary>The <c>database</c> section: host, port, user, password, TLS, <c>create_tables</c>.</summary>
    public ConnectionSettings Database { get; init; } = new();
    /// <summary>The <c>stores</c> section (each store is validated when first used, as in Python).</summary>
    public StoresConfiguration Stores { get; init; } = StoresConfiguration.Empty;
    /// <summary>The <c>jobs</c> section (populate's job queue).</summary>
    public JobsSettings Jobs { get; init; } = new();
    /// <summary>The <c>display</c> section (previews, diagram direction).</summary>
    public DisplaySettings Display { get; init; } = new();
    /// <summary><c>safemode</c> (<c>DJ_SAFEMODE</c>): ask before deleting or dropping (default true).</summary>
    public bool SafeMode { get; init; } = true;
    /// <summary><c>download_path</c> (<c>DJ_DOWNLOAD_PATH</c>): where fetched attachments and files are written (default <c>.</c>).</summary>
    public string DownloadPath { get; init; } = ".";
    /// <summary><c>loglevel</c> (<c>DJ_LOG_LEVEL</c>): the lowest level of DataJoint's own log messages (default INFO → <see cref="LogLevel.Information"/>).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    /// <summary><c>fetch_format</c>: <c>array</c> (default) or <c>frame</c>; parsed for compatibility (fetches here are typed).</summary>
    public string FetchFormat { get; init; } = "array";
    /// <summary><c>enable_python_native_blobs</c> (default true); parsed for compatibility (the blob reader always reads them).</summary>
    public bool EnablePythonNativeBlobs { get; init; } = true;
    /// <summary><c>filepath_checksum_size_limit</c>: files larger than this many bytes are not hashed by <c>&lt;filepath@&gt;</c>; null = no limit.</summary>
    public long? FilepathChecksumSizeLimit { get; init; }
    /// <summary><c>cache</c>: a cache folder; parsed for compatibility.</summary>
    public string? Cache { get; init; }
    /// <summary><c>query_cache</c>: a query cache folder; parsed for compatibility.</summary>
    public string? QueryCache { get; init; }
    /// <summary><c>external.aws_access_key_id</c> (<c>DJ_AWS_ACCESS_KEY_ID</c>, legacy); parsed for compatibility.</summary>
    public string? AwsAccessKeyId { get; init; }
    /// <summary><c>external.aws_secret_access_key</c> (<c>DJ_AWS_SECRET_ACCESS_KEY</c>, legacy); parsed for compatibility.</summary>
    public string? AwsSecretAccessKey { get; init; }

    /// <summary>The <c>datajoint.json</c> the values came from, or null (none found, or <c>DJ_IGNORE_CONFIG_FILE</c>).</summary>
    public string? ConfigFile { get; init; }
    /// <summary>The secrets folder that was read, or null.</summary>
    public string? SecretsDirectory { get; init; }
    /// <summary>Keys found in a source that no DataJoint setting has (typos, or settings of another DataJoint version).</summary>
    public IReadOnlyList<string> UnknownKeys { get; init; } = [];

    /// <summary>
    /// Loads the settings a DataJoint Python user in <paramref name="workingDirectory"/> (default: the current directory)
    /// would have. Bad values raise <see cref="SettingsException"/> naming the key and where it came from.
    /// </summary>
    public static DataJointSettings Load(string? workingDirectory = null) => Load(workingDirectory, overrides: null);

    /// <summary>
    /// Like <see cref="Load(string?)"/>, then applies <paramref name="overrides"/> on top: the application's own
    /// configuration section in the same shape (e.g. <c>DataJoint:database:host</c>, <c>DataJoint:stores:main:location</c>,
    /// or environment variables <c>DataJoint__database__host</c>).
    /// </summary>
    public static DataJointSettings Load(string? workingDirectory, IConfiguration? overrides) =>
        Load(workingDirectory ?? Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable, SettingsSources.SystemSecretsFolder, overrides);

    internal static DataJointSettings Load(string workingDirectory, Func<string, string?> env, string systemSecrets, IConfiguration? overrides = null)
    {
        var (values, origin) = SettingsSources.Read(workingDirectory, env, systemSecrets);
        if (overrides is not null)
        {
            var fromConfig = FromConfigurationValues(overrides);
            values.Overlay(fromConfig);
        }
        return From(values) with { ConfigFile = origin.ConfigFile, SecretsDirectory = origin.SecretsDirectory };
    }

    /// <summary>
    /// Settings from an <see cref="IConfiguration"/> section alone (no files, no <c>DJ_*</c> variables), e.g.
    /// <c>configuration.GetSection("DataJoint")</c> of an appsettings.json holding <c>{"DataJoint": {"database": {"host": …}}}</c>.
    /// </summary>
    public static DataJointSettings FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return From(FromConfigurationValues(section));
    }

    /// <summary>Settings from the text of a <c>datajoint.json</c> document alone (no other sources).</summary>
    public static DataJointSettings FromJson(string json, string source = "datajoint.json")
    {
        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: SettingsSources.JsonOptions);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new SettingsException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        var values = new SettingValues();
        values.AddJson(node, "", source);
        return From(values);
    }

    private static SettingValues FromConfigurationValues(IConfiguration section)
    {
        var values = new SettingValues();
        var prefix = section is IConfigurationSection s ? s.Path + ConfigurationPath.KeyDelimiter : "";
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var rest = key[prefix.Length..];
            if (rest.Length == 0) continue;
            // Intermediate sections have a null value; only leaves carry settings.
            if (value is null && section.GetSection(rest).GetChildren().Any()) continue;
            values.Set(rest.Replace(ConfigurationPath.KeyDelimiter, ".", StringComparison.Ordinal), value,
                "configuration " + (prefix + rest));
        }
        return values;
    }

    internal static DataJointSettings From(SettingValues v)
    {
        var d = new DataJointSettings();
        var unknown = v.Keys.Where(k => !k.StartsWith('~') && !IsKnownKey(k)).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return new DataJointSettings
        {
            Database = ConnectionSettings.From(v),
            Stores = v.ContainsSection("stores") ? StoresConfiguration.FromJsonObject(v.ToJsonObject("stores"), "stores") : StoresConfiguration.Empty,
            Jobs = JobsSettings.From(v),
            Display = DisplaySettings.From(v),
            SafeMode = v.GetBool("safemode") ?? d.SafeMode,
            DownloadPath = v.GetString("download_path") is { Length: > 0 } dp ? dp : d.DownloadPath,
            LogLevel = v.GetChoice("loglevel", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") switch
            {
                "DEBUG" => LogLevel.Debug,
                "WARNING" => LogLevel.Warning,
                "ERROR" => LogLevel.Error,
                "CRITICAL" => LogLevel.Critical,
                _ => LogLevel.Information,
            },
            FetchFormat = v.GetChoice("fetch_format", "array", "frame") ?? d.FetchFormat,
            EnablePythonNativeBlobs = v.GetBool("enable_python_native_blobs") ?? true,
            FilepathChecksumSizeLimit = v.GetLong("filepath_checksum_size_limit"),
            Cache = v.GetString("cache"),
            QueryCache = v.GetString("query_cache"),
            AwsAccessKeyId = v.GetString("external.aws_access_key_id"),
            AwsSecretAccessKey = v.GetString("external.aws_secret_access_key"),
            UnknownKeys = unknown.Select(k => $"{k} (from {v.SourceOf(k)})").ToList(),
        };
    }

    /// <summary>True for a dotted key some DataJoint setting reads (store attributes are checked when the store is used).</summary>
    internal static bool IsKnownKey(string key)
    {
        var dot = key.IndexOf('.');
        var head = dot < 0 ? key : key[..dot];
        var rest = dot < 0 ? "" : key[(dot + 1)..];
        return head.ToLowerInvariant() switch
        {
            "stores" => true,
            "database" => rest.Length > 0 && (ConnectionSettings.Keys.Contains(rest, StringComparer.OrdinalIgnoreCase)
                                              || rest.StartsWith("use_tls.", StringComparison.OrdinalIgnoreCase)),
            "jobs" => JobsSettings.Keys.Contains(rest, StringComparer.OrdinalIgnoreCase),
            "display" => DisplaySettings.Keys.Contains(rest, StringComparer.OrdinalIgnoreCase),
            "external" => rest is "aws_access_key_id" or "aws_secret_access_key",
            "connection" => rest is "init_function" or "charset",
            // DataJoint 2.0's earlier single-store section; accepted and ignored (the stores section replaced it).
            "object_storage" => true,
            _ => dot < 0 && TopLevelKeys.Contains(key, StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>Logs each unknown key as a warning (called by <see cref="DataJointConnection"/> when it gets a logger).</summary>
    internal void WarnUnknownKeys(ILogger logger)
    {
        foreach (var k in UnknownKeys) DataJointLog.UnknownSetting(logger, k);
    }
}
