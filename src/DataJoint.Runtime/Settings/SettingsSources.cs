using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataJoint.Settings;

/// <summary>
/// Reads the places DataJoint Python 2.x reads its configuration from, in its precedence order (highest first):
/// <c>DJ_*</c> environment variables, the project's <c>datajoint.json</c> (searched upward from the working directory,
/// stopping at a folder holding <c>.git</c> or <c>.hg</c>, or at the root), the secrets folder (<c>.secrets/</c> beside
/// that file, else <c>/run/secrets/datajoint/</c>; one file per setting, filling only values still unset), defaults.
/// <c>DJ_IGNORE_CONFIG_FILE=true</c> skips the file and both secrets folders. <c>DJ_STORES</c> replaces the file's whole
/// <c>stores</c> block.
/// </summary>
internal static class SettingsSources
{
    public const string FileName = "datajoint.json";
    public const string SecretsFolderName = ".secrets";
    public const string SystemSecretsFolder = "/run/secrets/datajoint";

    /// <summary>
    /// DataJoint Python's environment variables with the setting each one sets (settings.py <c>ENV_VAR_MAPPING</c> and
    /// its pydantic aliases). <c>DJ_HOST</c> may carry a port (<c>host:port</c>).
    /// </summary>
    public static readonly IReadOnlyList<(string Variable, string Key)> Variables =
    [
        ("DJ_HOST", "database.host"),
        ("DJ_PORT", "database.port"),
        ("DJ_USER", "database.user"),
        ("DJ_PASS", "database.password"),
        ("DJ_USE_TLS", "database.use_tls"),
        ("DJ_BACKEND", "database.backend"),
        ("DJ_DATABASE_NAME", "database.name"),
        ("DJ_DATABASE_PREFIX", "database.database_prefix"),
        ("DJ_CREATE_TABLES", "database.create_tables"),
        ("DJ_LOG_LEVEL", "loglevel"),
        ("DJ_SAFEMODE", "safemode"),
        ("DJ_DOWNLOAD_PATH", "download_path"),
        ("DJ_FETCH_FORMAT", "fetch_format"),
        ("DJ_ENABLE_PYTHON_NATIVE_BLOBS", "enable_python_native_blobs"),
        ("DJ_FILEPATH_CHECKSUM_SIZE_LIMIT", "filepath_checksum_size_limit"),
        ("DJ_CACHE", "cache"),
        ("DJ_QUERY_CACHE", "query_cache"),
        ("DJ_DIAGRAM_DIRECTION", "display.diagram_direction"),
        ("DJ_DIAGRAM_THEME", "display.diagram_theme"),
        ("DJ_AWS_ACCESS_KEY_ID", "external.aws_access_key_id"),
        ("DJ_AWS_SECRET_ACCESS_KEY", "external.aws_secret_access_key"),
    ];

    /// <summary>Where the file and secrets values came from (for messages and <c>dj config</c>).</summary>
    public sealed record Origin(string? ConfigFile, string? SecretsDirectory, bool IgnoredFiles);

    public static (SettingValues Values, Origin Origin) Read(string workingDirectory, Func<string, string?> env, string systemSecrets = SystemSecretsFolder)
    {
        var ignore = env("DJ_IGNORE_CONFIG_FILE") is { } ig && SettingValues.ParseBool(ig) == true;
        var values = new SettingValues();
        string? file = null, secrets = null;
        if (!ignore)
        {
            file = FindConfigFile(workingDirectory);
            if (file is not null) values.AddJson(ParseFile(file), "", file);
        }

        var fromEnv = FromEnvironment(env);
        if (fromEnv.Contains(StoresReplaced)) values.RemoveSection("stores");
        values.Overlay(fromEnv);

        if (!ignore)
        {
            secrets = FindSecretsDirectory(file, systemSecrets);
            if (secrets is not null) values.Fill(FromSecrets(secrets, values));
        }
        return (values, new Origin(file, secrets, ignore));
    }

    /// <summary>The <c>datajoint.json</c> nearest upward from <paramref name="start"/>, or null (Python's <c>find_config_file</c>).</summary>
    public static string? FindConfigFile(string start)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(start));
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate)) return candidate;
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git) || Directory.Exists(Path.Combine(dir.FullName, ".hg"))) return null;
            dir = dir.Parent;
        }
        return null;
    }

    /// <summary><c>.secrets/</c> beside the config file if it exists, else the system folder if it exists, else null.</summary>
    public static string? FindSecretsDirectory(string? configFile, string systemSecrets)
    {
        if (configFile is not null)
        {
            var project = Path.Combine(Path.GetDirectoryName(configFile)!, SecretsFolderName);
            if (Directory.Exists(project)) return project;
        }
        return Directory.Exists(systemSecrets) ? systemSecrets : null;
    }

    private static JsonNode? ParseFile(string file)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(file), documentOptions: JsonOptions);
            if (node is not JsonObject)
                throw new SettingsException($"{file} must hold a JSON object of settings, got {node?.GetValueKind().ToString() ?? "null"}.");
            return node;
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"{file} is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new SettingsException($"Cannot read {file}: {ex.Message}", ex);
        }
    }

    internal static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static SettingValues FromEnvironment(Func<string, string?> env)
    {
        var values = new SettingValues();
        foreach (var (variable, key) in Variables)
        {
            var v = env(variable);
            if (v is null) continue;
            if (variable == "DJ_HOST")
            {
                v = v.Trim();
                if (v.Length == 0) continue;
                var colon = v.LastIndexOf(':');
                if (colon > 0 && v.IndexOf(':') == colon && int.TryParse(v[(colon + 1)..], out _))
                {
                    values.Set("database.host", v[..colon], variable);
                    if (env("DJ_PORT") is null) values.Set("database.port", v[(colon + 1)..], variable);
                    continue;
                }
            }
            else if (variable is "DJ_USER" or "DJ_PORT" && string.IsNullOrWhiteSpace(v)) continue;
            values.Set(key, v, variable);
        }
        foreach (var key in JobsSettings.Keys)
        {
            var variable = "DJ_JOBS_" + key.ToUpperInvariant();
            if (env(variable) is { } v) values.Set("jobs." + key, v, variable);
        }
        var stores = env("DJ_STORES");
        if (!string.IsNullOrWhiteSpace(stores))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(stores, documentOptions: JsonOptions);
            }
            catch (JsonException ex)
            {
                throw new SettingsException($"DJ_STORES is not valid JSON: {ex.Message}", ex);
            }
            if (node is not JsonObject)
                throw new SettingsException($"DJ_STORES must be a JSON object of stores, got {node?.GetValueKind().ToString() ?? "null"}.");
            values.Set(StoresReplaced, "true", "DJ_STORES");
            values.AddJson(node, "stores", "DJ_STORES");
        }
        return values;
    }

    /// <summary>A marker key: a source that sets it replaces the whole <c>stores</c> block of lower sources.</summary>
    internal const string StoresReplaced = "~stores_replaced";

    /// <summary>
    /// The secrets folder: one file per setting, named by its dotted key (<c>database.password</c>, <c>database.user</c>,
    /// <c>stores.main.secret_key</c>; Python's legacy <c>aws.access_key_id</c> / <c>aws.secret_access_key</c> fill
    /// <c>external.*</c>). Store secrets fill only stores that are configured.
    /// </summary>
    public static SettingValues FromSecrets(string directory, SettingValues configured)
    {
        var values = new SettingValues();
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var key = name switch
            {
                "aws.access_key_id" => "external.aws_access_key_id",
                "aws.secret_access_key" => "external.aws_secret_access_key",
                _ => name,
            };
            var parts = key.Split('.');
            if (parts.Any(p => p.Length == 0)) continue;
            var known = parts[0] == "stores"
                ? parts.Length == 3 && configured.ContainsSection("stores." + parts[1])
                : DataJointSettings.IsKnownKey(key);
            if (!known) continue;
            string text;
            try
            {
                text = File.ReadAllText(file).Trim();
            }
            catch (IOException ex)
            {
                throw new SettingsException($"Cannot read the secret {file}: {ex.Message}", ex);
            }
            values.Set(key, text, file);
        }
        return values;
    }
}
