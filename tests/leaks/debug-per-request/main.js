'use strict';
require('./service').startService(require('./authorize'));
