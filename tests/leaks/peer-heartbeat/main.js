'use strict';
require('./service').startService(require('./peer'));
