import StrandCLI

Strand.main()
