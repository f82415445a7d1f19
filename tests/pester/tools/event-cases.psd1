# Event strings compared with perf's own encoding (Get-PerfEvent.Tests.ps1). 'fake*', 'imc' and 'solo' are PMUs the
# test builds in a private mount namespace (see event-encoding.ps1). A case with Documented is a deliberate
# difference (docs/events.md): perf accepts it, the module refuses it with that error id.
@{
    Cases = @(
        # generic names, aliases, separators and terms
        @{ Event = 'task-clock' }
        @{ Event = 'cycles' }
        @{ Event = 'cs:u' }
        @{ Event = 'faults:' }
        @{ Event = 'task-clock//' }
        @{ Event = 'task-clock::u' }
        @{ Event = 'task-clocku' }
        @{ Event = 'CYCLES' }
        @{ Event = 'Task-Clock' }
        @{ Event = 'task-clock/config=2/' }
        @{ Event = 'task-clock/config=2/u' }
        @{ Event = 'task-clock/config=2/:u' }
        @{ Event = 'task-clock/period=10/' }
        @{ Event = 'task-clock/freq=10/' }
        @{ Event = 'task-clock/name=foo/' }
        @{ Event = 'task-clock/bogus/' }
        @{ Event = 'cycles/config=1/' }
        # modifiers
        @{ Event = 'cycles:u' }
        @{ Event = 'cycles:k' }
        @{ Event = 'cycles:h' }
        @{ Event = 'cycles:ku' }
        @{ Event = 'cycles:G' }
        @{ Event = 'cycles:H' }
        @{ Event = 'cycles:Gu' }
        @{ Event = 'cycles:uG' }
        @{ Event = 'cycles:I' }
        @{ Event = 'cycles:p' }
        @{ Event = 'cycles:ppp' }
        @{ Event = 'cycles:pppp' }
        @{ Event = 'cycles:P' }
        @{ Event = 'cycles:D' }
        @{ Event = 'cycles:e' }
        @{ Event = 'cycles:S' }
        @{ Event = 'cycles:W' }
        @{ Event = 'cycles:b' }
        @{ Event = 'cycles:uu' }
        @{ Event = 'cycles:uz' }
        @{ Event = 'page-faults:x' }
        @{ Event = 'task-clock:ukhGHpPSDIWeb' }
        # legacy cache names and spellings
        @{ Event = 'L1-dcache-loads' }
        @{ Event = 'L1-dcache-load-miss' }
        @{ Event = 'L1-dcache-load-misses:k' }
        @{ Event = 'l1d-loads' }
        @{ Event = 'l1-d-stores' }
        @{ Event = 'L1-data-prefetch-miss' }
        @{ Event = 'dTLB-load-miss' }
        @{ Event = 'Data-TLB-store-misses' }
        @{ Event = 'Instruction-TLB-load-misses' }
        @{ Event = 'branch-load' }
        @{ Event = 'branch-loads' }
        @{ Event = 'branch-miss' }
        @{ Event = 'branch-misses' }
        @{ Event = 'bpu' }
        @{ Event = 'L2-loads' }
        @{ Event = 'LLC-prefetch-misses' }
        @{ Event = 'node-stores' }
        @{ Event = 'L1-icache-prefetches' }
        @{ Event = 'L1-icache-stores' }
        @{ Event = 'iTLB-prefetch' }
        @{ Event = 'L1-dcache-misses-loads' }
        @{ Event = 'L1-dcache-loads-stores' }
        @{ Event = 'L1-dcache-refs' }
        @{ Event = 'L1-dcache-speculative-read' }
        @{ Event = 'L1-dcache-loads/config=0x10000/' }
        @{ Event = 'L1-dcache-loads:u' }
        @{ Event = 'L1-DCACHE-LOADS' }
        @{ Event = 'l1-dcache-loads' }
        # tool events
        @{ Event = 'duration_time' }
        @{ Event = 'duration_time:u' }
        @{ Event = 'duration_time/config=1/' }
        @{ Event = 'user_time' }
        @{ Event = 'system_time' }
        # raw, numeric, breakpoints
        @{ Event = 'r1a' }
        @{ Event = 'r003c:u' }
        @{ Event = 'r0x1a' }
        @{ Event = 'rZZ' }
        @{ Event = 'r1a/config1=3/' }
        @{ Event = '1:1' }
        @{ Event = '1:1:u' }
        @{ Event = '0x1:0x2' }
        @{ Event = '4:0x3c' }
        @{ Event = 'mem:0x1000' }
        @{ Event = 'mem:0x1000:x' }
        @{ Event = 'mem:4096/4:w' }
        @{ Event = 'mem:0x1000/8:rw' }
        @{ Event = 'mem:0x1000:rwx' }
        @{ Event = 'mem:0x1000:rr' }
        @{ Event = 'mem:0x1000:u' }
        @{ Event = 'mem:0x1000:rw:u' }
        @{ Event = 'mem:0x1000:rwu' }
        @{ Event = 'mem:0X1000' }
        # tracepoints
        @{ Event = 'sched:sched_switch' }
        @{ Event = 'sched:sched_switch:u' }
        @{ Event = 'syscalls:sys_enter_getppid' }
        @{ Event = 'sched:sched_switch/call-graph=no/' }
        @{ Event = 'sched:no_such_tp' }
        @{ Event = 'sched:sched_sw*'; Documented = 'PerfEventWildcardNotSupported' }
        # real PMU (msr)
        @{ Event = 'msr/tsc/' }
        @{ Event = 'msr//' }
        @{ Event = 'msr/event=0/' }
        @{ Event = 'msr/tsc/u' }
        @{ Event = 'msr/tsc/:u' }
        @{ Event = 'msr/tsc,tsc/' }
        @{ Event = 'tsc' }
        @{ Event = 'tsc:u' }
        @{ Event = 'm*/tsc/' }
        # the fake PMU: formats, aliases, =? parameters, duplicates
        @{ Event = 'fake/event=0x3c/' }
        @{ Event = 'fake/event=0x3c,umask=0x1/' }
        @{ Event = 'fake/ev1/' }
        @{ Event = 'fake/ev2/' }
        @{ Event = 'fake/ev3/' }
        @{ Event = 'fake/ev3,umask=5/' }
        @{ Event = 'fake/umask=5,ev3/' }
        @{ Event = 'fake/ev1,ev2/' }
        @{ Event = 'fake/ev.dot/' }
        @{ Event = 'fake/mixed/' }
        @{ Event = 'fake/MIXED/' }
        @{ Event = 'fake/event=ev1/' }
        @{ Event = 'fake/config=1,config=2/' }
        @{ Event = 'fake/event=1,event=2/' }
        @{ Event = 'fake/config=0x100,event=1/' }
        @{ Event = 'fake/event=1,config=0x100/' }
        @{ Event = 'fake/edge/' }
        @{ Event = 'fake/umask/' }
        @{ Event = 'fake/event=0x100/' }
        @{ Event = 'fake/bogus=1/' }
        @{ Event = 'fake/event=abc/' }
        @{ Event = 'fake/ldlat=3/' }
        @{ Event = 'fake/wide=0xffffffffffffffff/' }
        @{ Event = 'fake/split=0xff/' }
        @{ Event = 'fake/cfg/' }
        @{ Event = 'fake/ldl/' }
        @{ Event = 'fake/energy/' }
        @{ Event = 'fake/ev1/u' }
        @{ Event = 'fake/ev1/pp' }
        @{ Event = 'fake/ev1,name=x/' }
        @{ Event = 'fake/ev1,period=100/' }
        @{ Event = 'fake/ev1,freq=10/' }
        @{ Event = 'fake/r1a/' }
        @{ Event = 'fake//' }
        @{ Event = 'fake/ev-dash/' }
        @{ Event = 'fake/wideval/' }
        @{ Event = 'fake/bad/' }
        @{ Event = 'fake/event=1,,umask=2/' }
        @{ Event = 'fake/event=0x3c' }
        @{ Event = 'fake/ev1,umask=2/' }
        @{ Event = 'fake/event=2,ev1/' }
        @{ Event = 'fake/ev1=1/' }
        @{ Event = 'fake/ev1=2/' }
        @{ Event = 'fake/EV.DOT/' }
        @{ Event = 'fake/ev3,umask=0x100/' }
        @{ Event = 'fake/umask=?,umask=3/' }
        @{ Event = 'fake/ev1/ukhGHpppPSDIWe' }
        @{ Event = 'fake/ev1/uk:' }
        @{ Event = 'uncore_imc/event=1/' }
        @{ Event = 'solo_3/event=1/' }
        @{ Event = 'tsc/config=1/' }
        @{ Event = 'r1A2b' }
        @{ Event = 'task-clock#' }
        @{ Event = 'task clock' }
        @{ Event = '0x1:0x1/config=2/' }
        @{ Event = '99999999999999999999:1' }
        @{ Event = 'ev1' }
        @{ Event = 'ev-dash' }
        @{ Event = 'energy:u' }
        @{ Event = 'imc/event=1/' }
        @{ Event = 'solo/event=1/' }
        @{ Event = 'fakeu/event=1/'; Documented = 'PerfEventAmbiguous' }
        @{ Event = 'nopmu/event=1/' }
        # lists and groups: one event per string here
        @{ Event = 'task-clock,page-faults'; Documented = 'PerfEventSyntax' }
        @{ Event = '{task-clock,page-faults}'; Documented = 'PerfEventGroupNotSupported' }
    )
}
