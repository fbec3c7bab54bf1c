"""Stack rules over the shared stack graph; each module exports POLICIES."""
