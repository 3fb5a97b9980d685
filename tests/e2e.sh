#!/bin/sh
# placeholder, replaced below
echo "ok 1 - placeholder"
