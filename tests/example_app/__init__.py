"""A test-only object type (Project) built by following docs/development/adding-an-object.md line
by line. It is installed only by the test settings (tests/settings.py), never by `make demo` or a
deployment; it proves that the guide is complete and that the generated suite catches the seeded
faults of tests/test_seeded_faults.py."""
