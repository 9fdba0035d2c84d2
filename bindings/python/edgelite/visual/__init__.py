"""Drawings of models for `edgelite inspect --html/--svg` and of profiles for `edgelite benchmark --plot`."""
