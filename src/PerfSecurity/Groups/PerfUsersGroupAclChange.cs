using PerfSecurity.Acl;
using PerfSecurity.Native;

namespace PerfSecurity.Groups;

/// <summary>One change to the binary's access ACL: the ShouldProcess step, what it says, and the edit it makes.</summary>
/// <param name="Step">The step of the procedure this change belongs to.</param>
/// <param name="Action">What the change does, as ShouldProcess says it.</param>
/// <param name="Edit">From the ACL read from the descriptor (null: none), the file's status and the group's gid, the ACL to write (null: nothing to write).</param>
public sealed record PerfUsersGroupAclChange(PerfUsersGroupStep Step, string Action, Func<PosixAcl?, FileStatus, uint, PosixAcl?> Edit);
