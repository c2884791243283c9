'use strict';
require('./service');
