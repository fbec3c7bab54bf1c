"""Test support: the real policy runtime in-process, the engine stand-in, programs under mocks."""
