#!/bin/sh
# seed 000 "Lambda layer packaging assumes prebuilt directory": run by hand before `pulumi up`.
pip install pillow -t layer/python
