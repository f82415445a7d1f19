namespace PerfSecurity.Users;

public enum AccountKind { User, Group }
