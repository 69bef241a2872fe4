from paperkb.cli import main

raise SystemExit(main())
