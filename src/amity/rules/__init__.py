"""Pure rules over model objects, with today as a parameter: no I/O, no clock."""
