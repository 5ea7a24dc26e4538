import * as assert from 'node:assert/strict';
import { applicableOptions, publishOptionIds } from '../../../src/vscode/publish/publishOptionIds';

describe('publish options offered in VS Code', () => {
  it('offers skipConnectionCheck and showTabs for workbooks only (Publish Workbook parameters)', () => {
    assert.deepEqual(publishOptionIds('workbook'), ['showTabs', 'skipConnectionCheck', 'asJob', 'description', 'tags', 'moreSettings']);
    assert.deepEqual(publishOptionIds('datasource'), ['asJob', 'description', 'tags', 'moreSettings']);
  });

  it('drops a workbook-only option chosen for a data source', () => {
    assert.deepEqual([...applicableOptions('datasource', ['skipConnectionCheck', 'showTabs', 'asJob'])], ['asJob']);
    assert.deepEqual([...applicableOptions('workbook', ['skipConnectionCheck', 'tags'])], ['skipConnectionCheck', 'tags']);
  });
});
