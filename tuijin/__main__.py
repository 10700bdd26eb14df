from tuijin.cli import main

raise SystemExit(main())
