'use strict';
require('./service').startService(require('./job-queue'));
