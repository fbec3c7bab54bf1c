"""Resource rules, one module per service; each exports POLICIES."""
