using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Text;

namespace PerfSecurity.Users;

/// <summary>
/// The one check of every user and group name the module writes into a file (a sudoers rule) or passes to a tool
/// (groupadd, gpasswd, usermod): shadow-utils' rule for new names, and, for names that must already exist, an NSS
/// lookup (so users from LDAP or SSSD count). A name that fails is refused before anything is written.
/// </summary>
public static class AccountName
{
    /// <summary>shadow's is_valid_user_name: strlen(name) &lt; sysconf(_SC_LOGIN_NAME_MAX), which is 256 on Linux.</summary>
    public const int MaxUserNameLength = 255;
    /// <summary>shadow's is_valid_group_name: GROUP_NAME_MAX_LENGTH, 32 unless shadow was configured otherwise.</summary>
    public const int MaxGroupNameLength = 32;
    public const string InvalidErrorId = "PerfAccountNameInvalid";

    /// <summary>
    /// Why <paramref name="name"/> is not a valid name, or null when it is. shadow's is_valid_name: not empty, not
    /// "." or "..", not all digits, no leading '-', then [A-Za-z0-9_.] followed by [A-Za-z0-9_.-] with a '$' allowed
    /// only as the last character (Samba machine accounts); plus the length limit of the kind.
    /// </summary>
    public static string? Problem(string? name, AccountKind kind)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        int max = kind == AccountKind.User ? MaxUserNameLength : MaxGroupNameLength;
        if (name.Length > max) return $"it is longer than {max} characters";
        if (name is "." or "..") return "'.' and '..' are not names";
        if (name.All(char.IsAsciiDigit)) return "a name of digits only would be taken for a numeric id";
        if (name[0] == '-') return "it starts with '-', which tools would take for an option";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' || (i > 0 && c == '-') || (i > 0 && i == name.Length - 1 && c == '$');
            if (!ok) return $"it contains {Describe(c)} at position {i + 1}; names are letters, digits, '_', '.', '-' (not first) and a final '$'";
        }
        return null;
    }

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        '\n' => "a newline",
        _ when DisplayText.IsUnsafe(c) || char.IsWhiteSpace(c) => $"the character {DisplayText.Escape(c.ToString())} (U+{(int)c:X4})",
        _ => $"'{c}'",
    };

    /// <summary>Refuses a name that breaks the rule (InvalidArgument, <see cref="InvalidErrorId"/>); returns it otherwise.</summary>
    public static string RequireValid(string? name, AccountKind kind, string parameter)
    {
        if (Problem(name, kind) is { } why)
            throw new PerfSecurityException(InvalidErrorId, FailureKind.InvalidArgument,
                $"{parameter} '{name}' is not a valid {(kind == AccountKind.User ? "user" : "group")} name: {why}. Nothing was changed.", name);
        return name!;
    }

    /// <summary>A valid name of an existing user, through NSS; <paramref name="notFoundErrorId"/> when there is none.</summary>
    public static Accounts.UserEntry RequireUser(string? name, string parameter, string notFoundErrorId)
    {
        RequireValid(name, AccountKind.User, parameter);
        var user = Accounts.UserByName(name!) ?? throw new PerfSecurityException(notFoundErrorId, FailureKind.ObjectNotFound,
            $"The user '{name}' ({parameter}) does not exist (getpwnam found it in no account database).", name);
        // NSS may match case-insensitively (SSSD) and return another spelling: that is the name tools get.
        RequireValid(user.Name, AccountKind.User, parameter);
        return user;
    }

    /// <summary>A valid name of an existing group, through NSS; <paramref name="notFoundErrorId"/> when there is none.</summary>
    public static Accounts.GroupEntry RequireGroup(string? name, string parameter, string notFoundErrorId, string? hint = null)
    {
        RequireValid(name, AccountKind.Group, parameter);
        var group = Accounts.GroupByName(name!) ?? throw new PerfSecurityException(notFoundErrorId, FailureKind.ObjectNotFound,
            $"The group '{name}' ({parameter}) does not exist.{(hint is null ? "" : " " + hint)}", name);
        RequireValid(group.Name, AccountKind.Group, parameter);
        return group;
    }
}
