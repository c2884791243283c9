'use strict';
require('./service').startService(require('./downloads'));
