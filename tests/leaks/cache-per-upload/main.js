'use strict';
require('./service').startService(require('./devices'));
