'use strict';
require('./service').startService(require('./fixed-job-queue'));
