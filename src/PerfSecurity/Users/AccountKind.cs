using PerfSecurity.Native;
using PerfSecurity.Text;

namespace PerfSecurity.Users;

public enum AccountKind { User, Group }
