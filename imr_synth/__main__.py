"""``python -m imr_synth --letters N --seed S --out DIR``: write a generated corpus."""

from imr_synth.corpus import main

raise SystemExit(main())
