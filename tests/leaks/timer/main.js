'use strict';
require('./service').startService(require('./presence'));
