from surveystats._cli import main

raise SystemExit(main())
