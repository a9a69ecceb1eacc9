import StrandCLI

NodeFaultSwitches.installed = FaultSwitches.switches
Strand.main()
