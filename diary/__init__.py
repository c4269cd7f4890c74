"""A command-line symptom diary for muscle twitches, spasms and cramps."""

__version__ = "0.1.0"
