from newsml.cli import main

raise SystemExit(main())
