'use strict';
require('./service').startService(require('./fixed-peer'));
