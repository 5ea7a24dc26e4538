#!/usr/bin/env node
process.stdout.write('tableau-publish: not built yet\n');
