'use strict';
require('./service').startService(require('./memoize'));
