// Synthetic Chinese names for demo people, compounds and companies. Clearly fictional.
import type { Random } from './random.ts';

const SURNAMES = '陈林黄张李王吴刘蔡杨郑许谢洪郭曾邱廖赖周徐苏叶庄吕江何萧罗高潘简朱钟彭游詹胡施沈余卢梁赵颜柯翁魏孙戴'.split('');
const GIVEN = '志伟明华建国丽芳小军秀英文斌海燕玉兰晓东雅婷俊杰佳怡宏伟美玲振宇淑珍家豪欣怡春生金水'.split('');

export function personName(rnd: Random): string {
  const n = rnd.next() < 0.7 ? 2 : 1;
  let s = rnd.pick(SURNAMES);
  for (let i = 0; i < n; i++) s += rnd.pick(GIVEN);
  return s;
}

const PLACE = ['碧湖', '江滨', '芝山', '九龙', '丹霞', '金峰', '水仙', '龙江', '锦绣', '阳光', '名仕', '天宝', '圆山', '南山', '胜利', '新华', '瑞京', '世纪', '滨江', '香洲', '凤凰', '紫薇', '书香', '嘉园'];
const COMPOUND = ['花园', '小区', '新村', '公寓', '家园', '雅苑', '华庭', '名城', '佳园', '豪庭'];
const COMPANY = ['鑫城', '嘉和', '万家', '华安', '恒信', '九龙', '宏达', '安居', '盛世', '美家', '佳美', '联合', '永安', '和睦', '诚信', '优居'];

export function compoundName(rnd: Random): string {
  return rnd.pick(PLACE) + rnd.pick(COMPOUND);
}

export function companyNames(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const base = COMPANY[i % COMPANY.length];
    const place = i < COMPANY.length ? '漳州' : `漳州${PLACE[i % PLACE.length]}`;
    out.push(`${place}${base}物业服务有限公司`);
  }
  return out;
}
