"""Reference plugins for the 12 layers, under the names Nanda Town scenario files use."""
