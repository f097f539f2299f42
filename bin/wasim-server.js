#!/usr/bin/env node
// The wasim HTTP service (same as `npm start`); configuration: docs/service.md.
import '../dist/server/main.js';
