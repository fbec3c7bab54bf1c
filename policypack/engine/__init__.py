"""The engine stand-in: resources from programs, exports and previews, analysed like the engine does."""
