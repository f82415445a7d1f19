using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>
/// getpwnam_r/getpwuid_r/getgrnam_r/getgrgid_r/getgrouplist and the getpwent_r/getgrent_r enumerations: users and
/// groups through NSS, as login does, so accounts from LDAP or SSSD count like those of /etc/passwd. The one way the
/// module reads the account databases (Users/ builds on it).
/// </summary>
public static unsafe partial class Accounts
{
    // struct passwd and struct group: pointers and ids, the same layout on every 64-bit Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNam(string name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPwUid(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGrNam(string name, Group* grp, byte* buf, nuint buflen, Group** result);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static partial int GetGrGid(uint gid, Group* grp, byte* buf, nuint buflen, Group** result);

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupList(string user, uint group, uint* groups, int* ngroups);

    [LibraryImport("libc", EntryPoint = "setpwent")]
    private static partial void SetPwEnt();

    [LibraryImport("libc", EntryPoint = "getpwent_r")]
    private static partial int GetPwEnt(Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "endpwent")]
    private static partial void EndPwEnt();

    [LibraryImport("libc", EntryPoint = "setgrent")]
    private static partial void SetGrEnt();

    [LibraryImport("libc", EntryPoint = "getgrent_r")]
    private static partial int GetGrEnt(Group* grp, byte* buf, nuint buflen, Group** result);

    [LibraryImport("libc", EntryPoint = "endgrent")]
    private static partial void EndGrEnt();

    // The enumerations keep their position in the C library, one per process.
    private static readonly object EnumerationLock = new();

    public readonly record struct UserEntry(string Name, uint Uid, uint Gid, string Home, string Shell);
    public readonly record struct GroupEntry(string Name, uint Gid, string[] Members);

    public static UserEntry? UserByName(string name) => LookupUser((p, b, n, r) => GetPwNam(name, p, b, n, r));
    public static UserEntry? UserById(uint uid) => LookupUser((p, b, n, r) => GetPwUid(uid, p, b, n, r));
    public static GroupEntry? GroupByName(string name) => LookupGroup((g, b, n, r) => GetGrNam(name, g, b, n, r));
    public static GroupEntry? GroupById(uint gid) => LookupGroup((g, b, n, r) => GetGrGid(gid, g, b, n, r));

    /// <summary>The primary and supplementary group ids a login of this user gets.</summary>
    public static uint[] GroupIdsOf(string user, uint primaryGid)
    {
        int count = 64;
        while (true)
        {
            var groups = new uint[count];
            int n = count;
            fixed (uint* p = groups)
            {
                if (GetGroupList(user, primaryGid, p, &n) >= 0) return groups[..n];
            }
            count = Math.Max(n, count * 2);
        }
    }

    /// <summary>
    /// Every user NSS enumerates (getpwent_r): the local files, and the directory services configured to enumerate
    /// (SSSD does not by default, so a lookup by name or id may still find users this list lacks).
    /// </summary>
    public static IReadOnlyList<UserEntry> AllUsers() => Enumerate(SetPwEnt, () => LookupUser((p, b, n, r) => GetPwEnt(p, b, n, r)), EndPwEnt);

    /// <summary>Every group NSS enumerates (getgrent_r); see <see cref="AllUsers"/>.</summary>
    public static IReadOnlyList<GroupEntry> AllGroups() => Enumerate(SetGrEnt, () => LookupGroup((g, b, n, r) => GetGrEnt(g, b, n, r)), EndGrEnt);

    private static List<T> Enumerate<T>(Action start, Func<T?> next, Action end) where T : struct
    {
        var all = new List<T>();
        lock (EnumerationLock)
        {
            start();
            try
            {
                while (next() is { } entry) all.Add(entry);
            }
            finally { end(); }
        }
        return all;
    }

    private delegate int UserCall(Passwd* pwd, byte* buf, nuint len, Passwd** result);
    private delegate int GroupCall(Group* grp, byte* buf, nuint len, Group** result);

    private static UserEntry? LookupUser(UserCall call)
    {
        for (int size = 1024; size <= 1 << 20; size *= 4)
        {
            byte[] buffer = new byte[size];
            Passwd pwd;
            Passwd* result;
            int rc;
            fixed (byte* b = buffer) rc = call(&pwd, b, (nuint)size, &result);
            if (rc == Errno.ERANGE) continue;
            if (rc != 0 || result == null) return null;
            return new UserEntry(Text(pwd.Name), pwd.Uid, pwd.Gid, Text(pwd.Dir), Text(pwd.Shell));
        }
        return null;
    }

    private static GroupEntry? LookupGroup(GroupCall call)
    {
        for (int size = 1024; size <= 1 << 22; size *= 4)
        {
            byte[] buffer = new byte[size];
            Group grp;
            Group* result;
            fixed (byte* b = buffer)
            {
                int rc = call(&grp, b, (nuint)size, &result);
                if (rc == Errno.ERANGE) continue;
                if (rc != 0 || result == null) return null;
                var members = new List<string>();
                for (byte** m = grp.Members; m != null && *m != null; m++) members.Add(Text(*m));
                return new GroupEntry(Text(grp.Name), grp.Gid, members.ToArray());
            }
        }
        return null;
    }

    private static string Text(byte* p) => p == null ? "" : Marshal.PtrToStringUTF8((IntPtr)p) ?? "";
}
