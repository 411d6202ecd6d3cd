"""One FileNote, its path and text from stack config."""

import pulumi

from bench.enginecheck import FileNote

config = pulumi.Config()
FileNote("note", path=config.require("path"), text=config.require("text"))
