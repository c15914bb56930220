#!/usr/bin/env node
'use strict';
process.env.CTL_CLI_ENTRY = '1';
require('../dist/cli.js');
