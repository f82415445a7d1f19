namespace PerfSecurity.Acl;

/// <summary>What a file's access ACL is: none, one, or a filesystem that has no POSIX ACLs.</summary>
public readonly record struct AclReading(PosixAcl? Acl, bool Supported);
