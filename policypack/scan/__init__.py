"""The offline scanner: the pack's rules over a program, a stack export/checkpoint or a preview.

Readers (`readers`, `programs`) turn each input into the resources the engine would send the
analyzer; `policypack.engine.evaluate` runs the pack on them with the engine's semantics;
`report` holds the result, `text` / `report.to_json` / `sarif` show it; `cli` ties them together.
"""
